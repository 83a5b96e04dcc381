"""Times Python implicit's ALS fit on a user,item,weight CSV (written by benches/als.rs).

Usage: implicit_fit.py CSV FACTORS ITERATIONS THREADS REPEATS
Prints one line per repeat: "fit_seconds <float>". Loading is not timed.
"""
import sys
import time

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits
from implicit.als import AlternatingLeastSquares

path, factors, iterations, threads, repeats = sys.argv[1], *map(int, sys.argv[2:6])
data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
users, items = data[:, 0].astype(np.int64), data[:, 1].astype(np.int64)
user_items = sp.csr_matrix(
    (data[:, 2].astype(np.float32), (users, items)),
    shape=(users.max() + 1, items.max() + 1),
)
user_items.sum_duplicates()

# implicit runs its own threads; BLAS must stay single-threaded, as implicit itself advises.
with threadpool_limits(1, "blas"):
    for _ in range(repeats):
        model = AlternatingLeastSquares(
            factors=factors,
            iterations=iterations,
            use_cg=True,
            use_gpu=False,
            num_threads=threads,
            calculate_training_loss=False,
            random_state=0,
        )
        start = time.perf_counter()
        model.fit(user_items, show_progress=False)
        print(f"fit_seconds {time.perf_counter() - start}", flush=True)
