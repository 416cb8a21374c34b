"""Training juesuan's cause classifier: development tools, not part of the
installed package (pyproject installs `nlp*` only).

`train.py` at the top of the repository is the entry point; it reads the
labelled data (`data`), fits the two heads and scores them (`fit`,
`evaluate`, against the hand-made gold of real reports read through `gold`)
and writes the model with its metrics and card (`card`).
"""
