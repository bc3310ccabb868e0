package dev.paaskit.api.spi;

import java.util.List;
import java.util.Optional;

/**
 * Where a stager finds cartridges: the built-in ones, a directory, or downloads.
 * Thread-safe.
 */
public interface CartridgeSource {
  /** The cartridges in the order detection tries them. */
  List<Cartridge> cartridges();

  /** The cartridge named {@code name}, or empty. */
  default Optional<Cartridge> find(String name) {
    return cartridges().stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
