import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes the example's sample order lines: one CSV file per day, {@code <dir>/dt=YYYY-MM-DD/orders-YYYY-MM-DD.csv},
 * with a header line, for February to April 2024. Deterministic (a fixed seed, no clock), so running it again
 * writes the committed files byte for byte:
 *
 * <pre>java examples/sales-csv/GenerateSales.java examples/sales-csv/data</pre>
 *
 * Fields are quoted only when they hold a comma or a quote (a quote doubled), as most CSV writers do, and several
 * stores and products have commas in their names. The first order of a month's first day is at 00:00:00 and the
 * last order of its last day at 23:59:59, so a template that cuts months wrongly gains or loses rows.
 */
public final class GenerateSales {
  private record Store(String name, String currency) {}

  private record Product(String sku, String name, String price) {}

  private static final List<Store> STORES = List.of(
      new Store("Berlin, Mitte", "EUR"), new Store("Paris, Le Marais", "EUR"), new Store("Lyon", "EUR"),
      new Store("New York, SoHo", "USD"), new Store("London, Covent Garden", "GBP"));

  private static final List<Product> PRODUCTS = List.of(
      new Product("ESP-CUP-4", "Espresso cups, set of 4", "18.90"),
      new Product("MUG-BLK", "Mug, black, 350 ml", "9.50"),
      new Product("FR-PRESS", "French press", "34.00"),
      new Product("BEANS-1KG", "Coffee beans, 1 kg", "24.99"),
      new Product("GRINDER", "Hand grinder", "59.00"),
      new Product("FILTER-100", "Paper filters, 100 pcs", "4.25"),
      new Product("POSTER-MB", "Poster \"Morning Brew\", 50x70 cm", "15.00"));

  private static final String HEADER = "order_id,order_time,store,sku,product,quantity,unit_price,currency";

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: java GenerateSales.java DIR");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    Random random = new Random(20240301L);
    int orderNumber = 0;
    int lines = 0;
    for (YearMonth month = YearMonth.of(2024, 2); !month.isAfter(YearMonth.of(2024, 4)); month = month.plusMonths(1)) {
      for (int day = 1; day <= month.lengthOfMonth(); day++) {
        LocalDate date = month.atDay(day);
        int orders = 12 + random.nextInt(9);
        List<Integer> seconds = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
          seconds.add(random.nextInt(86_400));
        }
        seconds.sort(null);
        if (day == 1) {
          seconds.set(0, 0);
        }
        if (day == month.lengthOfMonth()) {
          seconds.set(orders - 1, 86_399);
        }
        Path file = dir.resolve("dt=" + date).resolve("orders-" + date + ".csv");
        Files.createDirectories(file.getParent());
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
          out.write(HEADER + "\n");
          for (int second : seconds) {
            String id = String.format("SO-%06d", ++orderNumber);
            String time = String.format("%s %02d:%02d:%02d", date, second / 3600, second / 60 % 60, second % 60);
            Store store = STORES.get(random.nextInt(STORES.size()));
            int orderLines = 1 + random.nextInt(3);
            for (int l = 0; l < orderLines; l++) {
              // Drawn with replacement: an order may hold a SKU on two lines, so orders and lines differ.
              Product product = PRODUCTS.get(random.nextInt(PRODUCTS.size()));
              BigDecimal price = new BigDecimal(product.price());
              if (random.nextInt(5) == 0) { // a 15% discount on one line in five
                price = price.multiply(new BigDecimal("0.85")).setScale(2, RoundingMode.HALF_UP);
              }
              out.write(String.join(",", id, time, csv(store.name()), product.sku(), csv(product.name()),
                  Integer.toString(1 + random.nextInt(6)), price.toPlainString(), store.currency()) + "\n");
              lines++;
            }
          }
        }
      }
    }
    System.out.printf("%d order lines of %d orders in %s%n", lines, orderNumber, dir);
  }

  private static String csv(String field) {
    return field.contains(",") || field.contains("\"") ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
  }
}
