/**
 * Kubernetes resource quantities (`500m`, `1.5`, `150Mi`, `1e3`, `2Gi`) as apimachinery's
 * `resource.ParseQuantity` reads them: a signed decimal number and one suffix — binary SI
 * (Ki…Ei), decimal SI (m, k, M, G, T, P, E) or a decimal exponent (e3, E-2).
 */

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/

/** Why `text` is not a non-negative Kubernetes quantity, or undefined when it is one. */
export function quantityProblem(text: string): string | undefined {
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)
  if (text === '') return 'is empty'
  const m = QUANTITY.exec(text)
  if (!m) return `${shown} is not a Kubernetes quantity (e.g. 500m, 2, 1.5Gi, 150Mi)`
  if (m[1] === '-' && /[1-9]/.test(m[2]!)) return `${shown} is negative`
  if (m[3] && /^[eE]/.test(m[3]) && Math.abs(Number(m[3].slice(1))) > 18)
    return `${shown} has an exponent past what Kubernetes accepts`
  return undefined
}
