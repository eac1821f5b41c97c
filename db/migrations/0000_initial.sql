CREATE TABLE "cart_lines" (
	"customer_id" text NOT NULL,
	"item_id" text NOT NULL,
	"quantity" integer NOT NULL,
	CONSTRAINT "cart_lines_customer_id_item_id_pk" PRIMARY KEY("customer_id","item_id"),
	CONSTRAINT "cart_lines_quantity_positive" CHECK ("cart_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "carts" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "items" (
	"item_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"price_cents" integer NOT NULL,
	"item_type" text NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, "items"."name"), 'A') || setweight(to_tsvector('english'::regconfig, "items"."description"), 'B')) STORED NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "items_price_non_negative" CHECK ("items"."price_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "order_lines" (
	"order_id" text NOT NULL,
	"item_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"price_cents" integer NOT NULL,
	CONSTRAINT "order_lines_order_id_item_id_pk" PRIMARY KEY("order_id","item_id"),
	CONSTRAINT "order_lines_quantity_positive" CHECK ("order_lines"."quantity" > 0),
	CONSTRAINT "order_lines_price_non_negative" CHECK ("order_lines"."price_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"order_id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"status" text NOT NULL,
	"total_cents" bigint NOT NULL,
	"shipping_address" jsonb,
	"ordered_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_total_non_negative" CHECK ("orders"."total_cents" >= 0),
	CONSTRAINT "orders_status_valid" CHECK ("orders"."status" in ('RESERVED', 'PAYING', 'PENDING', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'EXPIRED', 'PAYMENT_FAILED'))
);
--> statement-breakpoint
CREATE TABLE "suborder_lines" (
	"suborder_id" text NOT NULL,
	"item_id" text NOT NULL,
	"quantity" integer NOT NULL,
	CONSTRAINT "suborder_lines_suborder_id_item_id_pk" PRIMARY KEY("suborder_id","item_id"),
	CONSTRAINT "suborder_lines_quantity_positive" CHECK ("suborder_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "suborders" (
	"suborder_id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"warehouse_id" text NOT NULL,
	"status" text NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suborders_status_valid" CHECK ("suborders"."status" in ('ALLOCATED', 'SHIPPED', 'DELIVERED', 'CANCELLED'))
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"idempotency_key" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"order_id" text NOT NULL,
	"operation" text NOT NULL,
	"amount_cents" bigint NOT NULL,
	"outcome" text NOT NULL,
	"gateway_reference" text,
	"failure_reason" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_amount_non_negative" CHECK ("payments"."amount_cents" >= 0),
	CONSTRAINT "payments_operation_valid" CHECK ("payments"."operation" in ('AUTHORIZE', 'CAPTURE', 'VOID', 'REFUND')),
	CONSTRAINT "payments_outcome_valid" CHECK ("payments"."outcome" in ('SUCCEEDED', 'DECLINED', 'FAILED'))
);
--> statement-breakpoint
CREATE TABLE "stock" (
	"item_id" text PRIMARY KEY NOT NULL,
	"available" integer NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_available_non_negative" CHECK ("stock"."available" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stock_adjustments" (
	"adjustment_id" text PRIMARY KEY NOT NULL,
	"item_id" text NOT NULL,
	"warehouse_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_adjustments_quantity_positive" CHECK ("stock_adjustments"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "stock_reservations" (
	"order_id" text NOT NULL,
	"item_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"status" text NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_reservations_order_id_item_id_pk" PRIMARY KEY("order_id","item_id"),
	CONSTRAINT "stock_reservations_quantity_non_negative" CHECK ("stock_reservations"."quantity" >= 0),
	CONSTRAINT "stock_reservations_status_valid" CHECK ("stock_reservations"."status" in ('RESERVED', 'RELEASED', 'COMMITTED'))
);
--> statement-breakpoint
CREATE TABLE "warehouse_allocations" (
	"order_id" text NOT NULL,
	"item_id" text NOT NULL,
	"warehouse_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"status" text NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "warehouse_allocations_order_id_item_id_warehouse_id_pk" PRIMARY KEY("order_id","item_id","warehouse_id"),
	CONSTRAINT "warehouse_allocations_quantity_non_negative" CHECK ("warehouse_allocations"."quantity" >= 0),
	CONSTRAINT "warehouse_allocations_status_valid" CHECK ("warehouse_allocations"."status" in ('ALLOCATED', 'RELEASED', 'SHIPPED'))
);
--> statement-breakpoint
CREATE TABLE "warehouse_stock" (
	"item_id" text NOT NULL,
	"warehouse_id" text NOT NULL,
	"physical" integer NOT NULL,
	"available" integer NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "warehouse_stock_item_id_warehouse_id_pk" PRIMARY KEY("item_id","warehouse_id"),
	CONSTRAINT "warehouse_stock_available_non_negative" CHECK ("warehouse_stock"."available" >= 0),
	CONSTRAINT "warehouse_stock_physical_covers_available" CHECK ("warehouse_stock"."physical" >= "warehouse_stock"."available")
);
--> statement-breakpoint
CREATE TABLE "warehouses" (
	"warehouse_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"region" text NOT NULL,
	"latitude" double precision NOT NULL,
	"longitude" double precision NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "warehouses_latitude_range" CHECK ("warehouses"."latitude" between -90 and 90),
	CONSTRAINT "warehouses_longitude_range" CHECK ("warehouses"."longitude" between -180 and 180),
	CONSTRAINT "warehouses_id_no_dot" CHECK (position('.' in "warehouses"."warehouse_id") = 0)
);
--> statement-breakpoint
ALTER TABLE "cart_lines" ADD CONSTRAINT "cart_lines_customer_id_carts_customer_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."carts"("customer_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_id_orders_order_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("order_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suborder_lines" ADD CONSTRAINT "suborder_lines_suborder_id_suborders_suborder_id_fk" FOREIGN KEY ("suborder_id") REFERENCES "public"."suborders"("suborder_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suborders" ADD CONSTRAINT "suborders_order_id_orders_order_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("order_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock" ADD CONSTRAINT "stock_item_id_items_item_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("item_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_adjustments" ADD CONSTRAINT "stock_adjustments_item_id_items_item_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("item_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_adjustments" ADD CONSTRAINT "stock_adjustments_warehouse_id_warehouses_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("warehouse_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_reservations" ADD CONSTRAINT "stock_reservations_item_id_items_item_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("item_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouse_allocations" ADD CONSTRAINT "warehouse_allocations_item_id_items_item_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("item_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouse_allocations" ADD CONSTRAINT "warehouse_allocations_warehouse_id_warehouses_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("warehouse_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouse_stock" ADD CONSTRAINT "warehouse_stock_item_id_items_item_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("item_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouse_stock" ADD CONSTRAINT "warehouse_stock_warehouse_id_warehouses_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("warehouse_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "items_search_vector_idx" ON "items" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "items_type_price_idx" ON "items" USING btree ("item_type","price_cents");--> statement-breakpoint
CREATE INDEX "orders_customer_ordered_idx" ON "orders" USING btree ("customer_id","ordered_at" DESC NULLS LAST,"order_id" collate "C" desc);--> statement-breakpoint
CREATE INDEX "orders_ordered_idx" ON "orders" USING btree ("ordered_at","order_id" collate "C");--> statement-breakpoint
CREATE INDEX "orders_status_idx" ON "orders" USING btree ("status");--> statement-breakpoint
CREATE INDEX "suborders_order_idx" ON "suborders" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "payments_order_idx" ON "payments" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "stock_reservations_item_status_idx" ON "stock_reservations" USING btree ("item_id","status");--> statement-breakpoint
CREATE INDEX "stock_reservations_status_expires_idx" ON "stock_reservations" USING btree ("status","expires_at");--> statement-breakpoint
CREATE INDEX "warehouse_allocations_item_status_idx" ON "warehouse_allocations" USING btree ("item_id","status");--> statement-breakpoint
CREATE INDEX "warehouse_stock_warehouse_idx" ON "warehouse_stock" USING btree ("warehouse_id");