// Waits that Resume and Stop cut short: the runner's lanes sleep while idle or paused, and every one of
// them wakes at once when the user acts.
export class Naps {
  private readonly wakers = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  wakeAll() {
    for (const wake of [...this.wakers]) wake();
  }
}
