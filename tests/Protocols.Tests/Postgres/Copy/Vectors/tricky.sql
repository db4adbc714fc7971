CREATE TABLE tricky (id int, name text, note text, amount numeric, blob bytea, tags text[], ok boolean);
INSERT INTO tricky VALUES
 (1, 'plain', 'simple note', 12.50, '\x00ff10', '{a,b}', true),
 (2, E'tab\there', E'new\nline', -1, '\x', '{}', false),
 (3, E'back\\slash', E'cr\rreturn', 0, NULL, '{"x y","q\"z"}', NULL),
 (4, '', NULL, NULL, '\xdeadbeef', NULL, true),
 (5, 'comma, "quoted"', E'semi;colon\tand tab', 3.14159, '\x5c', '{NULL}', false),
 (6, 'ünïcödé 日本語 🙂', E'\\N', 100, '\x0a0d09', '{ü}', true),
 (7, NULL, '\.', 7, '\x2c', '{"\\\\"}', true),
 (8, E'mix\t\n\r\\,;"''', ' leading and trailing ', 8, '\x22', '{}', false);
