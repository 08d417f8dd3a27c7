const express = require('express');
const helmet = require('helmet');
const morgan = require('morgan');
const pino = require('pino');
const { routes } = require('./routes');

const log = pino({ level: process.env.LOG_LEVEL || 'info' });
const app = express();
app.use(helmet());
app.use(morgan('tiny'));
app.use(express.json());
app.use('/', routes());

if (require.main === module) {
  const port = Number(process.env.PORT || 3000);
  app.listen(port, () => log.info({ port }, 'listening'));
}

module.exports = { app };
