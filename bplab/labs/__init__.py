"""Interactive labs on ipywidgets, one module per lab; ``bp.labs``.

Their sliders, and a quiz's choices and verdict, are bplab's own anywidget controls
(controls.py): native inputs a screen reader names and a keyboard moves.

``quiz`` (quiz.py), ``backprop_stepper`` (stepper.py), ``lr_explorer`` (lr_explorer.py),
``playground`` (playground.py, with network_view.py and playground_data.py),
``gradient_flow_lab`` (gradient_flow.py); base.py holds what they share (the Lab base,
figures, pictures for saved outputs, gradient bars, Play/Pause and the lab's lock).

Each lab function returns a lab object. The last line of a notebook cell displays it as
its widget (``lab.widget``) plus a picture of its state for wherever widgets don't run;
its controls, model, history and figure stay reachable as attributes, and its callbacks
are plain methods, so tests drive a lab without a browser: set a control's ``value``
(the observer fires) or call the method directly.

ipywidgets (and anywidget, with controls.py) is imported inside the lab classes, so
``import bplab`` and ``import bplab.labs`` stay light.
"""

from .gradient_flow import gradient_flow_lab
from .lr_explorer import lr_explorer
from .playground import playground
from .quiz import quiz
from .stepper import backprop_stepper

__all__ = ["backprop_stepper", "gradient_flow_lab", "lr_explorer", "playground", "quiz"]
