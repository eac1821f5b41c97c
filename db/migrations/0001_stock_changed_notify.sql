-- Live stock for the API's server-sent events: every change of an item's available units is announced
-- on channel `stock_changed` as {"itemId", "available", "version"}. NOTIFY is delivered at commit, so
-- listeners only see committed values; `version` (bumped by every write) orders them against reads.
CREATE OR REPLACE FUNCTION notify_stock_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('stock_changed', json_build_object('itemId', NEW.item_id, 'available', NEW.available, 'version', NEW.version)::text);
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER stock_inserted_notify AFTER INSERT ON stock
  FOR EACH ROW EXECUTE FUNCTION notify_stock_changed();--> statement-breakpoint
CREATE TRIGGER stock_available_changed_notify AFTER UPDATE OF available ON stock
  FOR EACH ROW WHEN (OLD.available IS DISTINCT FROM NEW.available) EXECUTE FUNCTION notify_stock_changed();
