"""Checks that an `snnc-map --report DIR` folder is well-formed XML throughout.

index.html must parse as XML (XHTML) with an <html> root in the XHTML
namespace and embed every figure as inline <svg>; each .svg file must parse
with an <svg> root. Prints one summary line or fails.
"""
import os
import sys
import xml.dom.minidom

SVG = "http://www.w3.org/2000/svg"
XHTML = "http://www.w3.org/1999/xhtml"


def main(folder):
    names = sorted(os.listdir(folder))
    svgs = [n for n in names if n.endswith(".svg")]
    for name in svgs:
        doc = xml.dom.minidom.parse(os.path.join(folder, name))
        root = doc.documentElement
        assert root.tagName == "svg" and root.getAttribute("xmlns") == SVG, name
    page = xml.dom.minidom.parse(os.path.join(folder, "index.html"))
    root = page.documentElement
    assert root.tagName == "html" and root.getAttribute("xmlns") == XHTML
    inline = page.getElementsByTagName("svg")
    assert len(inline) == len(svgs), (len(inline), len(svgs))
    # A figure's title is the <title> child of its <svg>; those inside shapes are tooltips.
    titles = [t.firstChild.data for svg in inline for t in svg.childNodes
              if t.nodeType == t.ELEMENT_NODE and t.tagName == "title" and t.firstChild]
    print(f"report ok: {len(svgs)} svg files, {len(inline)} inline figures")
    for t in titles:
        print(f"figure: {t}")


if __name__ == "__main__":
    main(sys.argv[1])
