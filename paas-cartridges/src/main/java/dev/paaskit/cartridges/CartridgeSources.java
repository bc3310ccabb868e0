package dev.paaskit.cartridges;

import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.CartridgeSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Combines cartridge sources. Not instantiable: its one method is static. */
public final class CartridgeSources {
  private CartridgeSources() {
  }

  /**
   * One source made of {@code sources}, asked in the order given: its cartridges are theirs in
   * that order, a name taken by an earlier source hiding a later cartridge of that name, and
   * {@code find} returns the first source's answer that is not empty (so a source may find
   * cartridges it does not list, such as buildpacks named by a git URL). Thread-safe when the
   * sources are.
   *
   * <pre>{@code
   * CartridgeSources.concat(BuiltinCartridges.create(), BuildpackDirectory.open(dir))
   * }</pre>
   *
   * @param sources the sources in order of precedence, possibly none; the array is copied, the
   *     sources are asked again on each call, so a source that changes is seen
   * @return a source listing a new list on each call of {@code cartridges()}
   * @throws NullPointerException if {@code sources} or one of them is null
   */
  public static CartridgeSource concat(CartridgeSource... sources) {
    List<CartridgeSource> all = List.of(sources);
    return new CartridgeSource() {
      @Override
      public List<Cartridge> cartridges() {
        List<Cartridge> cartridges = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (CartridgeSource source : all) {
          for (Cartridge cartridge : source.cartridges()) {
            if (names.add(cartridge.name())) {
              cartridges.add(cartridge);
            }
          }
        }
        return cartridges;
      }

      @Override
      public Optional<Cartridge> find(String name) {
        for (CartridgeSource source : all) {
          Optional<Cartridge> found = source.find(name);
          if (found.isPresent()) {
            return found;
          }
        }
        return Optional.empty();
      }

      @Override
      public String toString() {
        return all.toString();
      }
    };
  }
}
