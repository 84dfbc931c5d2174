"""Build orchestration: the local engine, the Dask engine and its worker task, the store cache, the memory budget."""
