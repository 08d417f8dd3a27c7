const express = require('express');

const commit = process.env.APP_COMMIT || 'dev';

function routes() {
  const r = express.Router();
  r.get('/healthz', (_req, res) => res.json({ ok: true, commit }));
  r.post('/echo', (req, res) => res.json(req.body));
  return r;
}

module.exports = { routes };
