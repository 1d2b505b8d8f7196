// Runs `hotspot report` (internal and public) and loads each report's own map.html in headless
// Chromium, as a reader would open it from the report folder: no script or console error, no
// request leaving the page, every layer of the report's layers/*.geojson on the map (the
// incidents only in the internal version), interactive shapes, a popup with figures, and in the
// public version no incident point and no incident id anywhere in the page.
//
// Usage: node report.test.mjs [HOTSPOT_BINARY] [CONFIG.toml] [SHOT_DIR]
//   defaults: ../../target/debug/hotspot, ../../data/vingaker/report.toml, a temporary folder.
// Skipped with a message (exit 0) when Chromium or playwright-core is missing.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const here = new URL(".", import.meta.url).pathname;
const bin = resolve(process.argv[2] || join(here, "../../target/debug/hotspot"));
const config = resolve(process.argv[3] || join(here, "../../data/vingaker/report.toml"));
const work = mkdtempSync(join(tmpdir(), "hotspot-map-"));
const shots = process.argv[4] ? resolve(process.argv[4]) : work;
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
if (!existsSync(bin)) {
  console.error(`no hotspot binary at ${bin}: build it (cargo build -p hotspot-cli) or pass its path`);
  process.exit(2);
}

const features = (file) => JSON.parse(readFileSync(file, "utf8")).features;
const failures = [];
const browser = await chromium.launch({ executablePath: exe, args: ["--no-sandbox"] });
let internalIds = [];
for (const mode of ["internal", "public"]) {
  const out = join(work, mode);
  execFileSync(bin, ["report", config, "--out", out, "-q", ...(mode === "public" ? ["--public"] : [])], {
    stdio: "inherit",
  });
  const layerDir = join(out, "layers");
  let expected = 0;
  for (const f of readdirSync(layerDir).filter((f) => f.endsWith(".geojson"))) {
    const n = features(join(layerDir, f)).length;
    if (f === "incidents.geojson") {
      internalIds = features(join(layerDir, f)).slice(0, 50).map((x) => String(x.properties.id));
      if (n > 20000) continue; // the map shows the count grid instead of dots above 20 000
    }
    expected += n;
  }
  const html = readFileSync(join(out, "map.html"), "utf8");
  const report = readFileSync(join(out, "report.html"), "utf8");
  if (!report.includes('href="map.html"')) failures.push(`${mode}: report.html does not link map.html`);
  if (mode === "public") {
    if (existsSync(join(layerDir, "incidents.geojson"))) failures.push("public: layers/incidents.geojson exists");
    const leaked = internalIds.filter((id) => id.length > 3 && html.includes(`"${id}"`));
    if (leaked.length) failures.push(`public: map.html holds incident ids ${leaked.slice(0, 3).join(", ")}`);
  }
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const url = pathToFileURL(join(out, "map.html")).href;
  page.on("pageerror", (e) => failures.push(`${mode}: script error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") failures.push(`${mode}: console error: ${m.text()}`);
  });
  page.on("request", (r) => {
    const u = r.url();
    if (u === url || u.startsWith("data:") || u === "about:blank") return;
    failures.push(`${mode}: request leaving the page: ${u}`);
  });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForTimeout(500);
  const counts = await page.evaluate(() => (window.hotspotMap ? window.hotspotMap.counts : null));
  if (!counts) {
    failures.push(`${mode}: the map did not start (window.hotspotMap missing)`);
  } else {
    // The config's basemap layers (water, buildings, roads, places) are drawn from the config's
    // files, not from layers/*.geojson: they are checked apart (the sample gives roads and places).
    const basemap = ["Vatten", "Byggnader", "Vägar", "Platser", "Water", "Buildings", "Roads", "Places"];
    const total = Object.entries(counts)
      .filter(([k]) => !basemap.includes(k))
      .reduce((a, [, b]) => a + b, 0);
    if (!(counts["Vägar"] > 0 || counts["Roads"] > 0)) failures.push(`${mode}: the config's roads are not on the map`);
    if (!(counts["Platser"] > 0 || counts["Places"] > 0)) failures.push(`${mode}: the config's places are not on the map`);
    if (total !== expected) failures.push(`${mode}: map holds ${total} features, the report's layers ${expected}`);
    const names = Object.keys(counts);
    const incidentLayer = names.find((n) => n === "Händelser" || n === "Incidents");
    if (mode === "public" && incidentLayer) failures.push(`public: map has an incident overlay`);
    if (mode === "internal" && !incidentLayer) failures.push(`internal: map has no incident overlay`);
    console.log(`${mode}: ${JSON.stringify(counts)}`);
  }
  const paths = await page.evaluate(
    () => document.querySelectorAll(".leaflet-overlay-pane path.leaflet-interactive").length,
  );
  if (paths === 0) failures.push(`${mode}: no interactive shape on the map`);
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
  if (!popup) failures.push(`${mode}: no popup opened on any overlay`);
  console.log(`${mode}: ${paths} interactive shapes; popup: ${JSON.stringify(popup)}`);
  await page.evaluate(() => window.hotspotMap && window.hotspotMap.map.closePopup());
  await page.screenshot({ path: join(shots, `map-${mode}.png`) });
  await page.close();
}
await browser.close();
console.log(`screenshots: ${shots}/map-internal.png, map-public.png`);
if (failures.length) {
  console.error("FAIL\n  " + failures.join("\n  "));
  process.exit(1);
}
console.log("OK: both versions load offline without errors and hold the report's layers");
