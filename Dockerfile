# The instructors' grader in a container: for macOS, Windows, or many machines at once.
# bubblewrap still sandboxes each submission inside the container, which therefore needs
# the rights to make namespaces:
#   docker build -t bplab-grader .
#   docker run --rm --cap-add SYS_ADMIN --security-opt seccomp=unconfined \
#       --security-opt apparmor=unconfined -v "$PWD/submissions:/submissions:ro" \
#       -v "$PWD/out:/out" bplab-grader /submissions/*/ex05_*.ipynb --exercise ex05 \
#       --jobs 2 --out /out/grades.csv
# (Not run on the machines this course is developed on: they have no Docker daemon.)
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap util-linux \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /course
COPY requirements.txt requirements-learner.txt pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.txt
COPY bplab ./bplab
COPY solutions ./solutions
RUN pip install --no-cache-dir --no-deps . && useradd --create-home grader
ENV OPENBLAS_NUM_THREADS=1
ENTRYPOINT ["python", "-m", "bplab", "grade", "--source", "/course/solutions"]
