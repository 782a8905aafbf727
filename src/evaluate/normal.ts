// Standard normal tail probabilities for z-tests. Hand-rolled (a dozen lines) rather than a
// stats dependency: erfc by the Chebyshev fit of Numerical Recipes (erfcc), fractional error
// below 1.2e-7 everywhere, which keeps tiny p-values meaningful (no 1 - Phi cancellation).

export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Two-sided p-value of a standard normal z. */
export function twoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}
