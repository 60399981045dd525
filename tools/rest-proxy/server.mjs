// A shared Discord REST rate-limit proxy for the tests: @discordjs/proxy in front of one @discordjs/rest client,
// so every bot process pointed at it shares one global limit and one set of per-route buckets.
//
//   node server.mjs PORT --upstream http://127.0.0.1:UPSTREAM/api [--global-per-second N] [--host 127.0.0.1]
//
// The upstream may also come from DISCORD_UPSTREAM_API (an `/api/vN` suffix is read as the API version). PORT 0
// binds a free port; the proxy prints `listening http://HOST:PORT` on stdout once it accepts connections, and at
// SIGTERM or SIGINT one JSON line of what it did before exiting: `forwarded` (requests sent upstream), `heldBack`
// (times a queued request waited for a limit) and `upstream429` (429s the upstream answered).
//
// Point a bot's REST base at `http://HOST:PORT/api/v10`. The proxy strips `/api/vN` from the path and the REST
// client puts its own `/v{version}` back, so the version the bot asks for is replaced by this one. It forwards
// the bot's own `Authorization: Bot …` header (requests are queued with `auth: false`, so it needs no token of
// its own) and sends interaction callbacks without one, as discord.py does. Give it headroom under the upstream's
// global limit (half is safe under any timing: it counts fixed one-second windows, which need not line up with
// the upstream's): a 429 from upstream makes @discordjs/rest resend the request, and a streamed body cannot be
// sent twice, so the resent request arrives empty.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { proxyRequests } from '@discordjs/proxy';
import { DefaultRestOptions, REST, RESTEvents } from '@discordjs/rest';

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		upstream: { type: 'string', default: process.env.DISCORD_UPSTREAM_API ?? '' },
		'global-per-second': { type: 'string', default: process.env.DISCORD_GLOBAL_PER_SECOND ?? '50' },
		host: { type: 'string', default: '127.0.0.1' },
	},
});

function fail(message) {
	process.stderr.write(`rest-proxy: ${message}\n`);
	process.exit(2);
}

const port = Number(positionals[0] ?? '0');
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`not a port: ${positionals[0]}`);
const perSecond = Number(values['global-per-second']);
if (!Number.isInteger(perSecond) || perSecond < 1) fail(`not a request count: ${values['global-per-second']}`);
const versioned = /^(?<api>https?:\/\/.+?)\/v(?<version>\d+)\/?$/.exec(values.upstream);
const api = (versioned?.groups.api ?? values.upstream).replace(/\/+$/, '');
const version = versioned?.groups.version ?? '10';
if (!/^https?:\/\/[^/]+\/api$/.test(api)) fail(`--upstream must be Discord's API base, e.g. http://127.0.0.1:8000/api (got "${values.upstream}")`);

// The proxy streams each request's body through (passThroughBody), so a request it sent once cannot be sent again
// with its body: no retries here (discord.py resends a 5xx itself, body and all), and an upstream that cannot be
// reached answers 502. Left alone, @discordjs/proxy would end such a response as an empty 200.
async function makeRequest(url, init) {
	try {
		return await DefaultRestOptions.makeRequest(url, init);
	} catch (error) {
		if (error?.name === 'AbortError') throw error;
		process.stderr.write(`rest-proxy: ${init.method} ${url}: ${error?.cause?.code ?? error?.message ?? error}\n`);
		return new Response(JSON.stringify({ message: 'upstream unreachable', code: 0 }), {
			status: 502,
			headers: { 'Content-Type': 'application/json' },
		});
	}
}

const rest = new REST({ api, version, globalRequestsPerSecond: perSecond, retries: 0, makeRequest });
const counts = { forwarded: 0, heldBack: 0, upstream429: 0 };
rest.on(RESTEvents.Response, (_request, response) => {
	counts.forwarded += 1;
	if (response.status === 429) counts.upstream429 += 1;
});
rest.on(RESTEvents.RateLimited, () => {
	counts.heldBack += 1;
});

const handle = proxyRequests(rest);
const server = createServer((req, res) => {
	handle(req, res).catch((error) => {
		process.stderr.write(`rest-proxy: ${req.method} ${req.url}: ${error?.stack ?? error}\n`);
		if (!res.headersSent) res.statusCode = 502;
		res.end();
	});
});
server.listen(port, values.host, () => {
	const { address, port: bound } = server.address();
	process.stdout.write(`listening http://${address}:${bound}\n`);
});

function stop() {
	process.stdout.write(`${JSON.stringify(counts)}\n`);
	server.close();
	server.closeAllConnections();
	rest.clearHashSweeper();
	rest.clearHandlerSweeper();
	process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
