package dev.partitionbuilder.local.fidelity;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.local.trino.TrinoEngine;
import dev.partitionbuilder.local.trino.TrinoValues;
import io.trino.Session;
import io.trino.spi.type.TimeZoneKey;
import io.trino.spi.type.Type;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import java.util.ArrayList;
import java.util.List;

/** Local mode's embedded Trino as the fidelity benchmark's engine: one session in one time zone. */
final class EmbeddedTrinoEngine implements FidelityEngine {

  private final TrinoEngine trino;
  private final Session session;

  EmbeddedTrinoEngine(TrinoEngine trino, String timeZone) {
    this.trino = requireNonNull(trino, "trino is null");
    requireNonNull(timeZone, "timeZone is null");
    this.session =
        Session.builder(trino.session())
            .setTimeZoneKey(TimeZoneKey.getTimeZoneKey(timeZone))
            .build();
  }

  @Override
  public Result query(String sql) {
    MaterializedResult result = trino.execute(session, sql);
    List<Type> types = result.getTypes();
    List<List<String>> rows = new ArrayList<>();
    for (MaterializedRow row : result.getMaterializedRows()) {
      List<String> printed = new ArrayList<>();
      for (int i = 0; i < types.size(); i++) {
        printed.add(TrinoValues.render(types.get(i), row.getField(i)));
      }
      rows.add(printed);
    }
    return new Result(types.stream().map(Type::getDisplayName).toList(), rows);
  }
}
