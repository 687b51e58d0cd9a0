-- Exchange rates for showing prices in a shopper's currency: units of each currency one US
-- dollar buys, in millionths. Shoppers always pay in the vendor's currency; converted prices
-- are a guide. The rows below are reference rates for the demo and tests; production sets
-- them through PUT /api/v1/admin/fx-rates from its rates provider.
CREATE TABLE fx_rates (
    currency       TEXT PRIMARY KEY,
    per_usd_micros BIGINT NOT NULL CHECK (per_usd_micros > 0),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO fx_rates (currency, per_usd_micros) VALUES
    ('NGN', 1550000000), ('GHS', 15500000), ('XOF', 605000000), ('XAF', 605000000),
    ('KES', 129000000), ('UGX', 3700000000), ('TZS', 2650000000), ('RWF', 1400000000),
    ('ETB', 125000000), ('ZAR', 18200000), ('EGP', 49000000), ('MAD', 10000000),
    ('DZD', 134000000), ('LYD', 5500000), ('SDG', 600000000), ('TND', 3100000),
    ('CVE', 102000000), ('GMD', 71000000), ('GNF', 8600000000), ('LRD', 190000000),
    ('MRU', 40000000), ('SLE', 22700000), ('AOA', 915000000), ('CDF', 2850000000),
    ('STN', 22500000), ('BIF', 2950000000), ('KMF', 455000000), ('DJF', 178000000),
    ('ERN', 15000000), ('MGA', 4550000000), ('MWK', 1735000000), ('MUR', 46000000),
    ('MZN', 64000000), ('SCR', 14000000), ('SOS', 571000000), ('SSP', 4500000000),
    ('ZMW', 26000000), ('BWP', 13600000), ('LSL', 18200000), ('NAD', 18200000),
    ('SZL', 18200000);
