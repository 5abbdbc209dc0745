import os

import torch

# snncref comes from PYTHONPATH=python (ctest sets it) or an installed package (pip install -e python).

torch.set_num_threads(int(os.environ.get("SNNC_TEST_THREADS", "2")))
