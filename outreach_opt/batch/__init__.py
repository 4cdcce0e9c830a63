"""Many solves at once: a job list run by a local process pool or a Dask cluster."""
