// Run directories are read by many test classes: the run protocol's namespace is everywhere.
global using Backprop.Functional.Runs;
