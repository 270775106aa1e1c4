"""One spec module per exercise: ``exNN.py`` defines ``PARTS: list[Part]``."""
