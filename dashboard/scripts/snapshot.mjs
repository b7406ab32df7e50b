// Load a dashboard page in headless Chromium, wait until its data is drawn, save a full-page PNG and
// print what the page shows as JSON (its text, map points, chart canvases, console errors).
//   node scripts/snapshot.mjs <url> <png> [chromium]
// Chromium is Debian's (/usr/bin/chromium): playwright-core drives it, it downloads no browser. The
// flags keep it off the network: it runs as root in CI, offline, without a GPU; playwright gives it a
// new empty profile.
import { chromium } from 'playwright-core';

const [url, png, executablePath = '/usr/bin/chromium'] = process.argv.slice(2);
if (!url || !png) {
	console.error('usage: node scripts/snapshot.mjs <url> <png> [chromium]');
	process.exit(2);
}
const WAIT_MS = 90_000;
const browser = await chromium.launch({
	executablePath,
	headless: true,
	args: [
		'--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
		'--disable-component-update', '--disable-sync',
		// Any host but this machine resolves to nothing: the page must work offline.
		'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost'
	]
});
const errors = [];
try {
	const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
	page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
	page.on('pageerror', (err) => errors.push(String(err)));
	const offsite = [];
	page.on('request', (req) => {
		const host = new URL(req.url()).hostname;
		if (req.url().startsWith('http') && !['127.0.0.1', 'localhost'].includes(host)) offsite.push(req.url());
	});
	await page.goto(url, { waitUntil: 'networkidle', timeout: WAIT_MS });
	// Data is drawn once the map has its points and every chart its canvas.
	await page.waitForSelector('path.leaflet-interactive', { timeout: WAIT_MS });
	await page.waitForFunction(() => document.querySelectorAll('.chart canvas, [_echarts_instance_] canvas').length >= 3,
		null, { timeout: WAIT_MS });
	await page.waitForTimeout(1500); // charts animate in
	const shot = await page.screenshot({ path: png, fullPage: true });
	const facts = await page.evaluate(() => ({
		title: document.title,
		text: document.body.innerText,
		mapPoints: document.querySelectorAll('path.leaflet-interactive').length,
		charts: document.querySelectorAll('[_echarts_instance_]').length
	}));
	console.log(JSON.stringify({ ...facts, errors, offsite, png: await pngStats(browser, shot) }));
} finally {
	await browser.close();
}

// Chromium decodes the saved PNG: its size, how many distinct colours, and the spread of its
// brightness (a blank or one-colour page has ~1 colour and no spread).
async function pngStats(browser, buffer) {
	const page = await browser.newPage();
	try {
		return await page.evaluate(async (dataUrl) => {
			const img = new Image();
			img.src = dataUrl;
			await img.decode();
			const canvas = new OffscreenCanvas(img.width, img.height);
			const ctx = canvas.getContext('2d');
			ctx.drawImage(img, 0, 0);
			const { data } = ctx.getImageData(0, 0, img.width, img.height);
			const colours = new Set();
			let sum = 0, sumSq = 0;
			const n = data.length / 4;
			for (let i = 0; i < data.length; i += 4) {
				const luma = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
				sum += luma;
				sumSq += luma * luma;
				if (colours.size < 100000) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
			}
			const mean = sum / n;
			return { width: img.width, height: img.height, colours: colours.size, lumaStdev: Math.sqrt(sumSq / n - mean * mean) };
		}, 'data:image/png;base64,' + buffer.toString('base64'));
	} finally {
		await page.close();
	}
}
