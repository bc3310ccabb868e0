/**
 * App manifests: Cloud Foundry {@code manifest.yml} and Stackato {@code stackato.yml}, read by
 * {@link dev.paaskit.manifest.ManifestParser} into a
 * {@link dev.paaskit.manifest.Manifest} of
 * {@link dev.paaskit.manifest.ManifestApp}s, each of which fills an
 * {@link dev.paaskit.api.AppSpec.Builder} that command-line flags then override.
 *
 * <p>A {@code Procfile}'s web command is not read here: the cartridges read it when they stage
 * (paas-cartridges depends on this module, not the other way round), so a manifest's
 * {@code command} wins over it and an app without one falls back to it.
 *
 * <p>A Cloud Foundry app's {@code metadata: labels:} become the app's labels, checked as
 * {@link dev.paaskit.api.AppSpec#checkLabel} does; its {@code annotations} are not kept, with a
 * warning.
 *
 * <p>PaaSKit's one extension to both formats is {@code secret-env:}, an app key like
 * {@code env:} whose values are kept as {@link dev.paaskit.api.Secret}s and never printed.
 */
package dev.paaskit.manifest;
