-- A product's row is updated whenever an event names it (name, brand, category, last seen): room on each page keeps
-- those updates HOT. The partitioned rollups get their fill factor from the partition maintenance (a partitioned
-- table cannot carry one).
ALTER TABLE products SET (fillfactor = 70);
