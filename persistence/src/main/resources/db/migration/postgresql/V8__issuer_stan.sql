-- The next free system trace audit number (ISO 8583 field 11) of each issuer route and UTC day. Nodes reserve
-- blocks of STANs here, so a route's STANs are unique across the cluster's nodes and their restarts within a day
-- (up to the 999,999 the field holds; then they start again at 1).
CREATE TABLE IF NOT EXISTS issuer_stan (
  route VARCHAR(64) NOT NULL,
  stan_day DATE NOT NULL,
  next_stan INTEGER NOT NULL,
  PRIMARY KEY (route, stan_day)
);
