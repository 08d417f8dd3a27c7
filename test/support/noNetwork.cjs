// Preload (`node --require`) that records every network connection attempt of the process into the
// file named by NO_NETWORK_LOG, so a test can assert that a component makes no requests of its own.
const fs = require('fs');
const net = require('net');
const dns = require('dns');
const log = process.env.NO_NETWORK_LOG;
const record = what => { if (log) fs.appendFileSync(log, what + '\n'); };
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect() passes its normalised arguments as one array
  const a = Array.isArray(args[0]) ? args[0] : args;
  const o = typeof a[0] === 'object' && a[0] !== null ? a[0] : { port: a[0], host: a[1] };
  // IPC channels and stdio pipes are local and expected; anything with a host or port is the network
  if (o.path === undefined) record(`connect ${o.host ?? 'localhost'}:${o.port}`);
  return connect.apply(this, args);
};
for (const fn of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
  const orig = dns[fn];
  dns[fn] = function (host, ...rest) { record(`dns ${fn} ${host}`); return orig.call(this, host, ...rest); };
}
if (typeof globalThis.fetch === 'function') {
  const f = globalThis.fetch;
  globalThis.fetch = function (url, ...rest) { record(`fetch ${url}`); return f.call(this, url, ...rest); };
}
