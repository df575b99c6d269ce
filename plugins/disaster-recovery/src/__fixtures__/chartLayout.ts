/**
 * jsdom does no layout: gives every element a size, as a browser would, so that recharts'
 * responsive containers draw their charts in component tests. Registers `beforeAll` and
 * `afterAll` hooks in the calling test file.
 */
export function giveElementsASize(width: number, height: number) {
  class ResizeObserverStub {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  beforeAll(() => {
    (window as any).ResizeObserver = ResizeObserverStub;
    jest.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({
      width,
      height,
      top: 0,
      left: 0,
      bottom: height,
      right: width,
      x: 0,
      y: 0,
      toJSON: () => ({}),
    });
    jest
      .spyOn(HTMLElement.prototype, 'clientWidth', 'get')
      .mockReturnValue(width);
    jest
      .spyOn(HTMLElement.prototype, 'clientHeight', 'get')
      .mockReturnValue(height);
  });
  afterAll(() => {
    jest.restoreAllMocks();
    delete (window as any).ResizeObserver;
  });
}
