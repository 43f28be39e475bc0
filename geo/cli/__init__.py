"""The `python -m geo` commands, one module a job: `arguments` (the parser), `build` (the
build command, local or on Dask), `extract` (the extract command), `documents` (extract's
input: JSON Lines lines read one by one, each bad line a BadLine)."""
