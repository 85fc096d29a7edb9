/**
 * Per-kind defaulting and validation, as kube-apiserver's {@code SetDefaults_*}, {@code strategy.go}
 * and {@code validation.go} do them, on the stored JSON trees, with kube's field paths and
 * messages ({@link io.outpost.apiserver.validation.FieldError}).
 *
 * <p>Entry point: {@link io.outpost.apiserver.validation.Validation}, over the explicit
 * kind-to-strategy map in {@link io.outpost.apiserver.validation.Strategies}. One file per kind
 * ({@code JobValidation}, {@code StatefulSetValidation}, ...) and per shared concept
 * ({@code Workloads} for apps/v1 selectors and templates, {@code JobSpecs} for a JobSpec wherever
 * it appears, {@code CronSchedules} for robfig/cron's syntax, {@code Names} for kube's name rules).
 *
 * <p>events.k8s.io/v1 Events are stored as core/v1 Events: their stricter rules are
 * {@link io.outpost.apiserver.validation.EventValidation#strict}, which the registry's view of
 * that resource applies on the core form.
 *
 * <p>Not yet: ServiceAccount, Endpoints, EndpointSlice, NetworkPolicy and RBAC get
 * object-metadata checks only; a Job's podFailurePolicy,
 * successPolicy and backoffLimitPerIndex; the apps kinds' {@code activeDeadlineSeconds} ban;
 * kube's rule that a suspended, never-started Job may change its template's scheduling fields;
 * warnings for non-qualified finalizer names.
 */
package io.outpost.apiserver.validation;
