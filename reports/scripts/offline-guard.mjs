// Loaded with `node --import ./scripts/offline-guard.mjs` in front of `observable build`:
// any attempt of the build to reach a host other than this machine (jsDelivr for an
// npm: import, registry.npmjs.org for a version look-up, telemetry) throws with the
// URL, so a build that would need the network fails loudly instead of half-working.
// Loopback stays allowed.

import http from "node:http";
import https from "node:https";
import {syncBuiltinESMExports} from "node:module";
import net from "node:net";

const LOCAL = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

function refuse(what) {
  const error = new Error(
    `offline build: refused network access to ${what}. Everything the site needs must come ` +
      "from reports/node_modules (explicit imports) or the prepared cache " +
      "(scripts/prepare-offline.mjs); see docs in reports/README.md."
  );
  console.error(error.message);
  process.exitCode = 1;
  throw error;
}

function hostOf(input) {
  try {
    if (typeof input === "string") return new URL(input).hostname;
    if (input instanceof URL) return input.hostname;
    if (input && typeof input.url === "string") return new URL(input.url).hostname;
    if (input && typeof input === "object") return input.hostname ?? input.host ?? "localhost";
  } catch {
    return String(input);
  }
  return "localhost";
}

const realFetch = globalThis.fetch;
globalThis.fetch = async function guardedFetch(input, init) {
  const host = hostOf(input);
  if (!LOCAL.has(host)) refuse(typeof input === "string" ? input : String(input?.url ?? input));
  return realFetch(input, init);
};

for (const mod of [http, https]) {
  for (const fn of ["request", "get"]) {
    const real = mod[fn];
    mod[fn] = function guarded(...args) {
      const host = hostOf(args[0]);
      if (!LOCAL.has(String(host).replace(/:\d+$/, ""))) refuse(`${fn === "get" ? "GET " : ""}${host}`);
      return real.apply(this, args);
    };
  }
}

const realConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const options = typeof args[0] === "object" && args[0] !== null ? args[0] : {port: args[0], host: args[1]};
  if (options.path === undefined) {
    const host = options.host ?? "localhost";
    if (!LOCAL.has(host)) refuse(`${host}:${options.port}`);
  }
  return realConnect.apply(this, args);
};

syncBuiltinESMExports();
