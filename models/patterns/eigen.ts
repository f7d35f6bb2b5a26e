/**
 * Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method: exact enough for
 * the 53 × 53 scatter matrices of the gesture embedding, dependency-free and deterministic (the
 * same matrix always gives the same vectors, so the same model bytes).
 */
export interface Eigen {
  values: Float64Array;
  /** eigenvectors as columns, row-major [n × n] */
  vectors: Float64Array;
}

export function symmetricEigen(matrix: ArrayLike<number>, n: number): Eigen {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const rotate = (m: Float64Array, i: number, j: number, c: number, s: number, stride: 1 | 'row'): void => {
    for (let k = 0; k < n; k++) {
      const ii = stride === 1 ? k * n + i : i * n + k;
      const jj = stride === 1 ? k * n + j : j * n + k;
      const x = m[ii]!;
      const y = m[jj]!;
      m[ii] = c * x - s * y;
      m[jj] = s * x + c * y;
    }
  };
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        rotate(a, p, q, c, s, 1);
        rotate(a, p, q, c, s, 'row');
        rotate(v, p, q, c, s, 1);
      }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]!), vectors: v };
}
