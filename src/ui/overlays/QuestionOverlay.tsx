import { footerItems, footerRow } from '../keys/hints.js';
import { CONFIRM_KEYS } from '../keys/keymap.js';
import { textWidth, wrapWords } from '../text/styledText.js';
import { frameInner, OverlayFrame } from './OverlayFrame.js';

/** A yes / no question over the screen ("Stop 2 running agents and quit?"). */
export const QuestionOverlay = ({
  question,
  notice,
  width,
  height,
}: {
  question: string;
  notice: string | undefined;
  width: number;
  height: number;
}) => {
  const frameWidth = Math.min(width, Math.max(44, textWidth(question) + 4));
  const inner = frameInner(frameWidth);
  const rows = [
    ...wrapWords([{ text: question, bold: true }], inner),
    [],
    footerRow(footerItems(CONFIRM_KEYS, undefined), inner),
    ...(notice ? wrapWords([{ text: notice, fg: 'yellow' }], inner) : []),
  ];
  return <OverlayFrame title="Question" rows={rows} screenWidth={width} screenHeight={height} width={frameWidth} color="yellow" />;
};
