// Loads a map.html in headless Chromium and checks it as a reader's browser would see it:
// no script error or console error, no request for anything but the page itself (file:),
// inline data: images and about:blank, and every overlay holds the expected number of features.
//
// Usage: node map.test.mjs MAP.html [EXPECT.json] [SCREENSHOT.png]
//   EXPECT.json: {"Overlay name": feature count, ...} (e.g. written by the map builder).
// Needs playwright-core (npm install here) and Chromium at /usr/bin/chromium (or $CHROMIUM);
// without Chromium the test is skipped with a message (exit code 0).
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [mapPath, expectPath, shotPath] = process.argv.slice(2);
if (!mapPath) {
  console.error("usage: node map.test.mjs MAP.html [EXPECT.json] [SCREENSHOT.png]");
  process.exit(2);
}
const exe = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(exe)) {
  console.log(`SKIP: no Chromium at ${exe} (install it or set CHROMIUM) - browser test not run`);
  process.exit(0);
}
let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch {
  console.log("SKIP: playwright-core is not installed (run `npm install` in tests/browser)");
  process.exit(0);
}

const failures = [];
const browser = await chromium.launch({ executablePath: exe, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
const url = pathToFileURL(resolve(mapPath)).href;
page.on("pageerror", (e) => failures.push(`script error: ${e.message}`));
page.on("console", (m) => {
  if (m.type() === "error") failures.push(`console error: ${m.text()}`);
});
page.on("request", (r) => {
  const u = r.url();
  if (u === url || u.startsWith("data:") || u === "about:blank") return;
  failures.push(`request leaving the page: ${u}`);
});
await page.goto(url, { waitUntil: "load" });
await page.waitForTimeout(500);
const counts = await page.evaluate(() => (window.hotspotMap ? window.hotspotMap.counts : null));
if (!counts) failures.push("the map did not start (window.hotspotMap missing)");
if (counts && expectPath) {
  const expect = JSON.parse(readFileSync(expectPath, "utf8"));
  for (const [name, n] of Object.entries(expect)) {
    if (counts[name] !== n) failures.push(`overlay ${JSON.stringify(name)}: ${counts[name]} features, expected ${n}`);
  }
  for (const name of Object.keys(counts)) {
    if (!(name in expect)) failures.push(`unexpected overlay ${JSON.stringify(name)}`);
  }
}
// Interactive shapes: SVG paths for areas and lines, one per drawn feature at least.
const paths = await page.evaluate(() => document.querySelectorAll(".leaflet-overlay-pane path.leaflet-interactive").length);
if (paths === 0) failures.push("no interactive shape on the map");
// A popup opens on click with the layer's figures.
const popup = await page.evaluate(() => {
  const m = window.hotspotMap;
  if (!m) return null;
  for (const g of Object.values(m.overlays)) {
    if (!m.map.hasLayer(g) || !g.getPopup || !g.getPopup()) continue;
    let opened = null;
    g.eachLayer((l) => {
      if (opened) return;
      const ll = l.getBounds ? l.getBounds().getCenter() : l.getLatLng();
      l.fire("click", { latlng: ll }, true);
      opened = document.querySelector(".leaflet-popup-content");
    });
    if (opened) return opened.textContent;
  }
  return null;
});
if (!popup) failures.push("no popup opened on any overlay");
if (shotPath) {
  await page.evaluate(() => window.hotspotMap && window.hotspotMap.map.closePopup());
  await page.screenshot({ path: shotPath });
}
await browser.close();
console.log(`overlays: ${JSON.stringify(counts)}; interactive shapes: ${paths}; popup: ${JSON.stringify(popup)}`);
if (failures.length) {
  console.error("FAIL\n  " + failures.join("\n  "));
  process.exit(1);
}
console.log("OK: no script error, no request leaving the page, overlays as expected");
