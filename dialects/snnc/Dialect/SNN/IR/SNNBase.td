//===- SNNBase.td - snn dialect definition -----------------*- tablegen -*-===//
//
// The `snn` dialect describes one time step of a spiking neural network; the
// enclosing `snn.network` runs that step for t = 0..num_steps-1. Stateful ops
// (`snn.lif`, `snn.readout`) carry their state from one step to the next.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_DIALECT_SNN_IR_SNNBASE_TD
#define SNNC_DIALECT_SNN_IR_SNNBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def SNN_Dialect : Dialect {
  let name = "snn";
  let cppNamespace = "::snnc::snn";
  let summary = "Spiking neural networks with batch norm through time (BNTT)";
  let description = [{
    The `snn` dialect expresses a whole spiking network as a single time step
    that is applied for `t = 0 .. T-1`, with `T` the `num_steps` of the
    enclosing `snn.network`. Values are per-sample tensors (there is no batch
    dimension; batching is the runtime's business) with the channel in dim 0.

    Binary spike trains have the element type `!snn.spike` (values {0, 1}) or
    `!snn.spike<signed>` (values {-1, 0, 1}); graded activations (synaptic
    currents, average-pooled spikes) are `f32`. So whether a layer receives
    events that need no multiplication is visible in the IR.

    Weights and per-step tables are attributes (`dense_resource` blobs when
    large), shared by every step.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let usePropertiesForAttributes = 0;
  let extraClassDeclaration = [{
    void registerTypes();
    void registerAttributes();
  }];
}

class SNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<SNN_Dialect, mnemonic, traits>;

// soft: u -= threshold where the neuron spiked (subtract); hard: u = v_reset
// (reset_value, 0 when absent) where it spiked (zero); subtract_delayed: the
// threshold is subtracted one step later (snnTorch's default Leaky); none: no
// reset. docs/nir.md relates them to the frameworks' names.
def SNN_ResetMode : I32EnumAttr<"ResetMode", "membrane reset after a spike", [
    I32EnumAttrCase<"Soft", 0, "soft">,
    I32EnumAttrCase<"Hard", 1, "hard">,
    I32EnumAttrCase<"SubtractDelayed", 2, "subtract_delayed">,
    I32EnumAttrCase<"None", 3, "none">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::snnc::snn";
}

def SNN_ResetModeAttr : EnumAttr<SNN_Dialect, SNN_ResetMode, "reset"> {
  let assemblyFormat = "`<` $value `>`";
}

def SNN_LayerGammaAttr : AttrDef<SNN_Dialect, "LayerGamma"> {
  let mnemonic = "gamma";
  let summary = "one BNTT layer's mean gamma at every time step";
  let description = [{
    The name of a BNTT layer and the mean of its gamma over channels at each
    of the network's num_steps steps: the data of the paper's Fig. 4 and of
    the early-exit rule, kept after the BNTT ops are folded away.

    ```mlir
    #snn.gamma<"bntt1", [0.9, 0.7, 0.05]>
    ```
  }];
  let parameters = (ins "::mlir::StringAttr":$layer,
                        "::mlir::DenseF32ArrayAttr":$mean);
  let assemblyFormat = "`<` $layer `,` $mean `>`";
}

def SNN_GammaHistogramAttr : AttrDef<SNN_Dialect, "GammaHistogram"> {
  let mnemonic = "gamma_histogram";
  let summary = "histogram of one BNTT layer's gamma_t at every time step";
  let description = [{
    The name of a BNTT layer, the range `[lo, hi]` of its gamma values and,
    for every step t and bin b, the number of channels whose gamma_t falls in
    bin b (`counts` is row-major `[num_steps, bins]`; bins are equal parts of
    the range, the last one closed). The data of the paper's Fig. 6.

    ```mlir
    #snn.gamma_histogram<"bntt1", [-0.1, 1.2], [0, 3, 1, 0, 4, 0]>
    ```
  }];
  let parameters = (ins "::mlir::StringAttr":$layer,
                        "::mlir::DenseF32ArrayAttr":$range,
                        "::mlir::DenseI64ArrayAttr":$counts);
  let assemblyFormat = "`<` $layer `,` $range `,` $counts `>`";
}

def SNN_SpikeType : TypeDef<SNN_Dialect, "Spike"> {
  let mnemonic = "spike";
  let summary = "a binary (or signed ternary) spike";
  let description = [{
    The element type of spike trains: `!snn.spike` takes values {0, 1},
    `!snn.spike<signed>` takes {-1, 0, 1} (signed Poisson encoding).
  }];
  let parameters = (ins "bool":$isSigned);
  let hasCustomAssemblyFormat = 1;
}

def SNN_SpikeTensor : StaticShapeTensorOf<[SNN_SpikeType]>;
def SNN_GradedTensor : StaticShapeTensorOf<[F32]>;
def SNN_ActivationTensor : StaticShapeTensorOf<[F32, SNN_SpikeType]>;

#endif // SNNC_DIALECT_SNN_IR_SNNBASE_TD
