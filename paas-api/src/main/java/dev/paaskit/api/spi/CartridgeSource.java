package dev.paaskit.api.spi;

import java.util.List;
import java.util.Optional;

/**
 * Where a stager finds cartridges: the built-in ones, a directory, or downloads. Implementations
 * must be thread-safe; a stager lists the cartridges once per staging, so a source may read
 * folders to list them. {@code CartridgeSourceContract} in paas-testing holds the tests every
 * implementation must pass.
 */
public interface CartridgeSource {
  /**
   * The cartridges offered now.
   *
   * @return the cartridges in the order detection tries them, no two of one name; may change
   *     between calls as cartridges are added or removed
   */
  List<Cartridge> cartridges();

  /**
   * The cartridge named {@code name}.
   *
   * @param name the exact name, as {@link Cartridge#name()} gives it
   * @return the cartridge, or empty when none has that name
   */
  default Optional<Cartridge> find(String name) {
    return cartridges().stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
