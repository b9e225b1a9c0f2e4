/**
 * uPlot draws at the size it is given, and the page gave each chart its figure's width once, when it first drew it.
 * Opened in a narrow window (one column of charts, 644 px each) and then widened to 1440 px (three columns of 459 px),
 * every chart stayed 644 px wide and lay across its neighbour, the last one past the edge of the page; narrowed, the
 * charts overflowed their panels. Each chart now follows its figure's width. Checked in a real headless Chromium.
 */
import type { Page } from 'playwright-core';
import { buildPage, closePages, openPage } from '../pageHarness';

/** The figure's horizontal padding (app.css: `.chart { padding: 8px }`), which the chart leaves free. */
const PADDING_PX = 16;

beforeAll(buildPage);
afterAll(closePages);

async function setup(width: number) {
  const { page, origin } = await openPage({}, { viewport: { width, height: 900 } });
  await page.goto(`${origin}/?refresh=600000`);
  await page.waitForFunction(() => Number(document.body.dataset.updates ?? 0) >= 1, undefined, { timeout: 15_000 });
  return { page };
}

/** Each chart's figure (its content box) and the drawn chart, in page pixels. */
const layout = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('figure.chart')].map((figure) => {
      const box = figure.getBoundingClientRect();
      const plot = figure.querySelector('.uplot')!.getBoundingClientRect();
      const canvas = figure.querySelector('canvas')!.getBoundingClientRect();
      return { id: figure.id, figureWidth: figure.clientWidth, figureLeft: box.left, figureRight: box.right, plotLeft: plot.left, plotRight: plot.right, canvasWidth: canvas.width };
    }),
  );

/** Waits until every chart has its figure's width, then returns the layout (as is, if that never happens). */
async function settled(page: Page, padding: number) {
  await page
    .waitForFunction((pad) => [...document.querySelectorAll<HTMLElement>('figure.chart')].every((f) => Math.round(f.querySelector('canvas')!.getBoundingClientRect().width) === f.clientWidth - pad), padding, { timeout: 5_000 })
    .catch(() => undefined);
  return layout(page);
}

function expectInside(charts: Awaited<ReturnType<typeof layout>>): void {
  expect(charts).toHaveLength(5);
  for (const c of charts) {
    expect([c.id, Math.round(c.canvasWidth)]).toEqual([c.id, c.figureWidth - PADDING_PX]);
    expect(c.plotLeft).toBeGreaterThanOrEqual(c.figureLeft);
    expect(c.plotRight).toBeLessThanOrEqual(c.figureRight);
  }
}

describe('page-charts-keep-their-first-width-after-resize', () => {
  it('fits every chart into its panel after the window is widened and narrowed again', async () => {
    const { page } = await setup(700);
    expectInside(await settled(page, PADDING_PX));
    // 1440 px: the grid has three columns, each figure narrower than the one column of before.
    await page.setViewportSize({ width: 1440, height: 900 });
    const wide = await settled(page, PADDING_PX);
    expect(new Set(wide.map((c) => c.figureLeft)).size).toBe(3);
    expectInside(wide);
    // No chart of the first row reaches into the panel beside it.
    const row = wide.slice(0, 3);
    for (let i = 1; i < row.length; i++) expect(row[i - 1]!.plotRight).toBeLessThanOrEqual(row[i]!.figureLeft);
    await page.setViewportSize({ width: 600, height: 900 });
    expectInside(await settled(page, PADDING_PX));
  });
});
