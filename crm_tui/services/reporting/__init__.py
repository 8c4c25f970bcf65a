"""Reports: records of any kind counted, summed and averaged by group in
SQL, with the person's access applied (spec, engine, rows, labels,
buckets); the records behind a number (drill); saved and built-in reports
(saved, builtin); their files (files)."""
