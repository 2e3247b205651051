import type { Overlay, ScreenLayer } from '../keys/KeyRouter.js';
import { HelpOverlay } from './HelpOverlay.js';
import { PromptOverlay } from './PromptOverlay.js';
import { QuestionOverlay } from './QuestionOverlay.js';

interface OverlayViewProps {
  overlay: Overlay;
  /** The screen under the overlay (the help lists its keys). */
  layer: ScreenLayer | undefined;
  /** Why the last key did nothing in the overlay. */
  notice: string | undefined;
  width: number;
  height: number;
}

/** The open overlay, drawn over the screen. */
export const OverlayView = ({ overlay, layer, notice, width, height }: OverlayViewProps) => {
  if (overlay.kind === 'help') return <HelpOverlay layer={layer} scroll={overlay.scroll} notice={notice} width={width} height={height} />;
  if (overlay.kind === 'confirm') return <QuestionOverlay question={overlay.question} notice={notice} width={width} height={height} />;
  return <PromptOverlay label={overlay.label} placeholder={overlay.placeholder} line={overlay.line} width={width} height={height} />;
};
