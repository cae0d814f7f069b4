/**
 * The one Hugging Face Hub client. {@link dev.harness.hub.HubSettings} reads the huggingface_hub environment
 * (HF_ENDPOINT, HF_TOKEN, HF_HOME, HF_HUB_CACHE, HF_HUB_OFFLINE); {@link dev.harness.hub.HubClient} resolves repository
 * files to the shared cache tree ({@link dev.harness.hub.HfCacheLayout}), downloading atomically with progress;
 * {@link dev.harness.hub.ModelLocator} turns a model directory or hub id into a checkpoint folder.
 */
package dev.harness.hub;
