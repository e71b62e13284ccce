#!/usr/bin/env python3
"""What a ladder picture says, read back as an SVG reader would.

svgfacts.py FILE prints one JSON object: the picture's width and height,
and per connection (g.connection) the texts of its states, its segments'
labels, the reasons of its drops and how many segment lines it has.  A file
that is no well-formed SVG fails here, as in any reader.
"""
import json
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def text_of(element):
    """An element's text, its tspans' included, without its title."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != SVG + "title":
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return "".join(parts).strip()


def of_class(group, tag, name):
    return [e for e in group.iter(SVG + tag) if e.get("class") == name]


def main():
    root = ET.parse(sys.argv[1]).getroot()
    if root.tag != SVG + "svg":
        sys.exit(f"svgfacts: {sys.argv[1]}: the root is {root.tag}, not svg")
    facts = {"width": float(root.get("width")), "height": float(root.get("height")), "connections": []}
    for group in root.iter(SVG + "g"):
        if group.get("class") != "connection":
            continue
        facts["connections"].append({
            "states": [text_of(e) for e in of_class(group, "text", "state")],
            "labels": [text_of(e) for e in of_class(group, "text", "label")],
            "drops": [text_of(e) for e in of_class(group, "text", "drop")],
            "segments": len(of_class(group, "line", "segment")),
        })
    json.dump(facts, sys.stdout)
    print()


if __name__ == "__main__":
    main()
