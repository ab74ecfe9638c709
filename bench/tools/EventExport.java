import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Random;

/**
 * Writes a synthetic behaviour export in the layout of demo/import/events.csv ("eCommerce behavior data from multi
 * category store"): ROWS rows over two months in time order, sessions of views with some carts, removals and
 * purchases, about 0.4 % rows of a type the mapping skips and 0.1 % bad rows. Sessions start with PREFIX so each run
 * imports new events.
 *
 * Usage: java EventExport.java FILE ROWS PREFIX SEED
 */
public final class EventExport {

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        long rows = Long.parseLong(args[1]);
        String prefix = args[2];
        Random random = new Random(Long.parseLong(args[3]));
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        String[] categories = {"electronics.smartphone", "appliances.kitchen.refrigerators", "computers.notebook",
                "apparel.shoes", "furniture.living_room.sofa", ""};
        String[] brands = {"samsung", "apple", "xiaomi", "huawei", "lucente", ""};
        LocalDateTime start = LocalDateTime.of(2019, 10, 1, 0, 0);
        long seconds = 61L * 24 * 3600;
        long written = 0;
        long session = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session,"
                    + "order_id\n");
            while (written < rows) {
                session++;
                String user = String.valueOf(500_000_000 + random.nextInt(5_000_000));
                String sessionId = prefix + Long.toHexString(session);
                int events = 1 + random.nextInt(12);
                for (int e = 0; e < events && written < rows; e++) {
                    long at = written * seconds / rows;
                    String when = start.plusSeconds(at).format(format) + " UTC";
                    int product = 1_000_000 + random.nextInt(200_000);
                    int c = product % categories.length;
                    String price = (1 + product % 900) + "." + String.format("%02d", product % 100);
                    int roll = random.nextInt(1000);
                    String type = roll < 900 ? "view" : roll < 960 ? "cart" : roll < 980 ? "remove_from_cart"
                            : roll < 996 ? "purchase" : "wishlist";
                    String order = type.equals("purchase") ? "O-" + sessionId + "-" + e : "";
                    if (random.nextInt(1000) == 0) {
                        when = "not a date";
                    }
                    out.write(when + "," + type + "," + product + "," + (2_053_013_552_000_000_000L + c) + ","
                            + categories[c] + "," + brands[product % brands.length] + "," + price + "," + user + ","
                            + sessionId + "," + order + "\n");
                    written++;
                }
            }
        }
    }
}
