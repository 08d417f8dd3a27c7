const { routes } = require('./routes');

test('the router answers /healthz', () => {
  const paths = routes().stack.map(layer => layer.route && layer.route.path);
  expect(paths).toContain('/healthz');
});
