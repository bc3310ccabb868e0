package dev.paaskit.cartridges;

import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.CartridgeSource;
import java.util.List;

/**
 * The cartridges that ship with PaaSKit, in the order detection tries them: {@code python},
 * {@code node}, {@code java}, {@code static}, {@code procfile}. In each, a {@code Procfile}'s
 * {@code web} command wins over the cartridge's own.
 *
 * <ul>
 *   <li>{@code python}: {@code app.py}, or {@code requirements.txt} with a {@code Procfile};
 *       requirements installed with pip into {@code .paaskit/python}.
 *   <li>{@code node}: a {@code package.json} with {@code scripts.start}, or {@code server.js};
 *       {@code npm install --omit=dev} when it declares dependencies and has no
 *       {@code node_modules}.
 *   <li>{@code java}: a runnable jar at the top, run with {@code -Dserver.port=$PORT}.
 *   <li>{@code static}: {@code index.html} at the top or in {@code public/}, served by a small
 *       JDK-only server copied into the droplet.
 *   <li>{@code procfile}: any app whose {@code Procfile} has a {@code web:} process.
 * </ul>
 *
 * <p>Immutable and thread-safe; stagings write only inside their build and cache folders.
 *
 * <pre>{@code
 * CartridgeSource cartridges = BuiltinCartridges.create();
 * }</pre>
 */
public final class BuiltinCartridges implements CartridgeSource {
  private final List<Cartridge> cartridges;

  private BuiltinCartridges(List<Cartridge> cartridges) {
    this.cartridges = cartridges;
  }

  /**
   * The built-in cartridges. Cheap: nothing is read or checked until a staging runs.
   *
   * @return a new source listing the five cartridges in detection order; their tools (pip,
   *     npm, java) are looked for on the staging machine when a staging needs them
   */
  public static BuiltinCartridges create() {
    return new BuiltinCartridges(List.of(new PythonCartridge(), new NodeCartridge(),
        new JavaCartridge(), new StaticCartridge(), new ProcfileCartridge()));
  }

  @Override
  public List<Cartridge> cartridges() {
    return cartridges;
  }
}
