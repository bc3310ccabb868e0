package dev.paaskit.api.spi;

import java.io.IOException;
import java.util.List;

/**
 * The cartridges a cloud offers to stagings: the built-in ones and those an operator added from
 * a manifest URL. Thread-safe. What it adds and removes is kept in the cloud's stores, so every
 * stager of the cloud sees it.
 */
public interface CartridgeCatalog {
  /**
   * Every cartridge offered now.
   *
   * @return built-in ones first, then added ones by name and cartridge version
   */
  List<CartridgeInfo> list();

  /**
   * Downloads the manifest at {@code manifestUrl} and the files its {@code Source-Url} names,
   * verifies and stores them, and offers the cartridge from then on. Nothing is stored unless
   * every check passed. Blocks the caller while it downloads.
   *
   * @param manifestUrl where the cartridge's manifest is, such as an {@code https} URL
   * @return the cartridge as {@link #list()} shows it from now on
   * @throws dev.paaskit.api.PaasException saying what was wrong and what to do (a manifest that
   *     is not found, too large, an HTML page or invalid; a checksum mismatch; a scheme the
   *     operator did not allow)
   * @throws IOException when the network or the stores fail
   */
  CartridgeInfo add(String manifestUrl) throws IOException;

  /**
   * Stops offering every version of the cartridge named {@code name} to new stagings. Apps
   * already staged with it keep running: their nodes still find its files.
   *
   * @param name the cartridge's name, as {@link CartridgeInfo#name()} shows it
   * @return what was removed, every version of it
   * @throws dev.paaskit.api.NotFoundException when no added cartridge has that name
   * @throws dev.paaskit.api.ConflictException for a built-in cartridge
   * @throws IOException when the stores cannot be changed
   */
  List<CartridgeInfo> remove(String name) throws IOException;

  /**
   * Asks every running gear of the app named {@code appName} to carry out {@code action}, one of
   * {@link Gear#ACTIONS}: the cartridge's {@code bin/control restart} or {@code tidy}, run in
   * each gear at its next status check. Returns at once; what the action prints goes to the
   * app's logs. Nothing checks that the app exists or runs a gear: then no gear hears it.
   *
   * @param appName the app's name, a DNS label
   * @param action {@code restart} or {@code tidy}
   * @throws dev.paaskit.api.InvalidSpecException naming the field {@code action} when it is not
   *     one of {@link Gear#ACTIONS}, or {@code name} when {@code appName} is no DNS label
   */
  void control(String appName, String action);
}
