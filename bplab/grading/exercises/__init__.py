"""One key per exercise: ``exNN.py`` defines ``PARTS: list[Part]``, or a package ``exNN/``
whose ``__init__`` does (exercise 12: its network and its bug models are modules of their own).
"""
