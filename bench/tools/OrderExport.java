import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Random;

/**
 * Writes a synthetic order export in the layout of demo/import/orders.csv (Online Retail II): ROWS rows, orders of
 * 1 to 20 lines over two years, about 1 % of rows returns inside their order, about 1 % of orders cancelled later by
 * a C-prefixed invoice, 0.1 % bad rows. Order ids start with PREFIX so each bench run imports new orders.
 *
 * Usage: java OrderExport.java FILE ROWS PREFIX SEED
 */
public final class OrderExport {

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        long rows = Long.parseLong(args[1]);
        String prefix = args[2];
        Random random = new Random(Long.parseLong(args[3]));
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        String[] countries = {"United Kingdom", "United Kingdom", "United Kingdom", "France", "Germany", "EIRE",
                "Netherlands", "Spain"};
        LocalDateTime start = LocalDateTime.of(2022, 1, 1, 8, 0);
        long minutes = 2L * 365 * 24 * 60;
        long written = 0;
        long order = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n");
            String pendingCancel = null;
            while (written < rows) {
                order++;
                String id = prefix + order;
                LocalDateTime at = start.plusMinutes(order * minutes / Math.max(1, rows / 10));
                String when = at.format(format);
                String customer = String.valueOf(12000 + random.nextInt(6000));
                String country = countries[random.nextInt(countries.length)];
                int lines = 1 + random.nextInt(20);
                int firstSku = random.nextInt(4000);
                for (int l = 0; l < lines && written < rows; l++) {
                    int sku = (firstSku + l * 7) % 4000;
                    int quantity = 1 + random.nextInt(24);
                    String price = (1 + random.nextInt(20)) + "." + String.format("%02d", random.nextInt(100));
                    String time = random.nextInt(1000) == 0 ? "not a date" : when;
                    out.write(id + ",SKU" + sku + ",\"PRODUCT " + sku + ", ASSORTED\"," + quantity + "," + time + ","
                            + price + "," + customer + "," + country + "\n");
                    written++;
                    if (random.nextInt(100) == 0 && written < rows) {
                        out.write(id + ",SKU" + sku + ",\"PRODUCT " + sku + ", ASSORTED\",-1," + when + "," + price
                                + "," + customer + "," + country + "\n");
                        written++;
                    }
                }
                if (pendingCancel != null && written < rows) {
                    out.write(pendingCancel);
                    written++;
                    pendingCancel = null;
                }
                if (random.nextInt(100) == 0) {
                    pendingCancel = "C" + id + ",SKU" + firstSku + ",\"PRODUCT " + firstSku + ", ASSORTED\",-1,"
                            + at.plusDays(1).format(format) + ",1.00," + customer + "," + country + "\n";
                }
            }
        }
    }
}
