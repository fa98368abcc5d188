/**
 * Which field the environment chart shows (temperature, humidity, …), shared so that choosing a
 * sensor in the environment card (EnvironmentCard.svelte) switches the chart below to its kind.
 */
export const hwChoice = $state<{ sensor: string; line: string }>({ sensor: '', line: 'current' });
