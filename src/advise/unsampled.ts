// The words for an item the sampler never caught, shared by the terminal list and the HTML report (this module is
// bundled into the page, so it imports nothing).

/**
 * What to say instead of "0 ns, 0 % of the run" for an item with no sampled time: it ran (the lines pass counted
 * its hits) but too briefly for a sample, or it did not run at all.
 */
export function unsampledText(hits: number | null | undefined): string {
  return hits !== null && hits !== undefined && hits > 0 ? 'ran, unsampled' : 'did not run';
}
