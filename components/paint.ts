/** Resolves once the next frame has been painted: for work that must not hold up what is on screen now. */
export const afterNextPaint = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
