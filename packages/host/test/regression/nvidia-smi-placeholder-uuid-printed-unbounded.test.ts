/*
 * Bug: a uuid nvidia-smi printed as a placeholder (`[...]`: `[Unknown Error]`, `[N/A]`) was put into its once-only
 * diagnostic line as it was: `GPU 0 has no uuid (<placeholder>); its hw.id is ...`. A placeholder is any bracketed
 * text, and a line may be 4096 characters long, so a driver (or anything on nvidia-smi's path) printing a long
 * bracketed message, or one holding terminal escapes, had it copied whole into the service's log: 3,000 characters,
 * and an ESC sequence that recolours or clears the terminal reading it. Uuids that are no placeholder were already cut
 * at 40 characters and escaped (gpu-garbled-uuid-taken-as-hw-id); placeholders now are too, while short printable ones
 * (`[Unknown Error]`) still read as nvidia-smi printed them.
 */
import { NVIDIA_SMI_FIELDS, parseNvidiaSmiLine } from '../../src/gpu/nvidiaSmiCsv';

const FIELDS = [...NVIDIA_SMI_FIELDS.slice(0, 9), 'pci.bus_id'];

function setup(uuid: string): { messages: string[]; hwId: string | undefined } {
  const messages: string[] = [];
  const g = parseNvidiaSmiLine(`0, ${uuid}, NVIDIA A100-SXM4-40GB, 35, 1024, 40960, 45, 120.50, 1410, 00000000:17:00.0`, FIELDS, (_, m) => messages.push(m));
  return { messages, hwId: g?.uuid };
}

describe('regression: a placeholder uuid is shown bounded and escaped in its diagnostic line', () => {
  it('cuts a 3000-character bracketed text at 40 characters and says its length', () => {
    const placeholder = `[${'driver says '.repeat(250)}]`;
    const { messages, hwId } = setup(placeholder);
    expect(hwId).toBe('pci:00000000:17:00.0');
    expect(messages).toEqual([
      `host gpu: nvidia-smi: GPU 0 has no uuid ("[driver says driver says driver says dri"... (3002 characters)); its hw.id is pci:00000000:17:00.0`,
    ]);
  });

  it('escapes terminal control characters instead of printing them', () => {
    const { messages } = setup('[\u001b[2J\u001b[31mUnknown Error]');
    expect(messages).toEqual(['host gpu: nvidia-smi: GPU 0 has no uuid ("[\\u001b[2J\\u001b[31mUnknown Error]"); its hw.id is pci:00000000:17:00.0']);
    expect(messages.join('')).not.toContain('\u001b');
  });

  it('shows a short printable placeholder as nvidia-smi printed it', () => {
    expect(setup('[GPU requires reset]').messages).toEqual(['host gpu: nvidia-smi: GPU 0 has no uuid ([GPU requires reset]); its hw.id is pci:00000000:17:00.0']);
  });
});
