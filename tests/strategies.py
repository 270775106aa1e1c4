"""The hypothesis strategies the tests share (minitorch keeps one such module too).

Letters: N batch, D inputs, H hidden units, C classes.
"""

from hypothesis import strategies as st

# scalars for the Value engine
finite = st.floats(-3, 3, allow_nan=False)
away_from_zero = st.floats(0.1, 3) | st.floats(-3, -0.1)
positive = st.floats(0.1, 3)
off_the_kink = finite.filter(lambda x: abs(x) > 1e-3)  # relu's derivative jumps at 0

seeds = st.integers(0, 2**16)
# (N, D, H): a batch through one Linear layer of D inputs and H outputs
layer_shapes = st.tuples(st.integers(1, 5), st.integers(1, 6), st.integers(1, 5))
# (N, C): a batch of class scores
score_shapes = st.tuples(st.integers(1, 6), st.integers(2, 5))
# hidden widths of an MLP, 1 to 3 hidden layers
hidden_widths = st.lists(st.integers(2, 6), min_size=1, max_size=3)
