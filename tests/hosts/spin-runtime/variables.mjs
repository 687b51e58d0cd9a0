// `fermyon:spin/variables@2.0.0` for a Spin component run by `jco serve`: a variable `name` is
// read from the environment as `SPIN_VARIABLE_NAME`, as Spin's own environment provider does.
// Unlike `spin up`, defaults in spin.toml are not read: the component's own defaults apply.
// Wired in by tests/hosts/spin.mjs with `--jco-map`.
export function get(name) {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    throw { tag: "invalid-name", val: name };
  }
  const value = process.env[`SPIN_VARIABLE_${name.toUpperCase()}`];
  if (value === undefined) {
    throw { tag: "undefined", val: name };
  }
  return value;
}
